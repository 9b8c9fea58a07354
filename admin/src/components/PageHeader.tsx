import { useEffect, type ReactNode } from 'react'
import { Typography } from 'antd'

/** The page's title, also in the browser tab so several open consoles can be told apart. */
export function PageHeader({ title, extra, sub }: { title: string; extra?: ReactNode; sub?: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · 运营后台`
  }, [title])
  return (
    <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 16, gap: 16, flexWrap: 'wrap' }}>
      <div>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        {sub && <Typography.Text type="secondary">{sub}</Typography.Text>}
      </div>
      {extra}
    </div>
  )
}
