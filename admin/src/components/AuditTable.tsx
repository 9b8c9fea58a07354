import type { ReactNode } from 'react'
import { Descriptions, Table, Tag, Typography } from 'antd'
import type { AuditEntry } from '../../../types'
import { roleNames, ROLES, type Role } from '../../../types/permissions'
import { diff, showValue } from '../lib/diff'
import { formatDateTime } from '../lib/format'
import { actionName, actorKindName, targetTypeName } from '../lib/labels'

const roleName = (role: string | null) => (role && (ROLES as readonly string[]).includes(role) ? roleNames[role as Role] : role)

function Json({ value }: { value: unknown }) {
  return (
    <pre style={{ margin: 0, maxHeight: 360, overflow: 'auto', background: '#fafafa', border: '1px solid #f0f0f0', borderRadius: 6, padding: 12, fontSize: 12, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
      {value === undefined || value === null ? '（无）' : JSON.stringify(value, null, 2)}
    </pre>
  )
}

export function AuditDetail({ entry }: { entry: AuditEntry }) {
  const changes = entry.before != null && entry.after != null ? diff(entry.before, entry.after) : []
  return (
    <div style={{ display: 'grid', gap: 12 }}>
      <Descriptions size="small" column={{ xs: 1, md: 2, xl: 4 }}>
        <Descriptions.Item label="原因">{entry.reason ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="IP">{entry.ip ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="请求号">{entry.requestId ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="浏览器">
          <Typography.Text ellipsis={{ tooltip: entry.userAgent }} style={{ maxWidth: 260 }}>
            {entry.userAgent ?? '—'}
          </Typography.Text>
        </Descriptions.Item>
      </Descriptions>
      {changes.length > 0 && (
        <div>
          <Typography.Text strong>改动</Typography.Text>
          <ul style={{ margin: '4px 0 0', paddingLeft: 20 }}>
            {changes.map((c) => (
              <li key={c.path.join('.')}>
                <Typography.Text code>{c.path.join('.')}</Typography.Text> {showValue(c.before)} → <Typography.Text strong>{showValue(c.after)}</Typography.Text>
              </li>
            ))}
          </ul>
        </div>
      )}
      <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 12 }}>
        <div>
          <Typography.Text type="secondary">之前</Typography.Text>
          <Json value={entry.before} />
        </div>
        <div>
          <Typography.Text type="secondary">之后</Typography.Text>
          <Json value={entry.after} />
        </div>
      </div>
    </div>
  )
}

export function ActorCell({ actor }: { actor: AuditEntry['actor'] }) {
  return (
    <span>
      {actor.name}
      {actor.kind === 'operator' ? (
        actor.role && <Tag style={{ marginLeft: 6 }}>{roleName(actor.role)}</Tag>
      ) : (
        <Tag style={{ marginLeft: 6 }}>{actorKindName(actor.kind)}</Tag>
      )}
    </span>
  )
}

export function ActionCell({ action }: { action: string }) {
  const name = actionName(action)
  return name ? (
    <span>
      {name}
      <br />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {action}
      </Typography.Text>
    </span>
  ) : (
    <Typography.Text>{action}</Typography.Text>
  )
}

/** Audit entries with their before/after in an expandable row. */
export function AuditTable({ items, loading, emptyText, showTarget = true }: { items: AuditEntry[]; loading?: boolean; emptyText?: ReactNode; showTarget?: boolean }) {
  return (
    <Table<AuditEntry>
      rowKey="id"
      size="middle"
      loading={loading}
      dataSource={items}
      pagination={false}
      locale={emptyText ? { emptyText } : undefined}
      expandable={{ expandedRowRender: (entry) => <AuditDetail entry={entry} />, expandRowByClick: true }}
      columns={[
        { title: '时间', dataIndex: 'at', width: 170, render: (v: string) => formatDateTime(v, true) },
        { title: '操作人', dataIndex: 'actor', width: 200, render: (actor: AuditEntry['actor']) => <ActorCell actor={actor} /> },
        { title: '操作', dataIndex: 'action', render: (action: string) => <ActionCell action={action} /> },
        ...(showTarget
          ? [{ title: '对象', dataIndex: 'target', width: 180, render: (t: AuditEntry['target']) => `${targetTypeName(t.type)}${t.id ? ` · ${t.id}` : ''}` }]
          : []),
        { title: '原因', dataIndex: 'reason', ellipsis: true, render: (v: string | null) => v ?? '—' }
      ]}
    />
  )
}
