import { useState } from 'react'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Button, Input, Modal, Radio, Space, Table, Tag, Typography, Upload } from 'antd'
import { DownloadOutlined, InboxOutlined } from '@ant-design/icons'
import type { ShipBatchResult } from '../../../../types/order-admin'
import { api, errorMessage, saveFile } from '../../api/client'
import { formatNumber } from '../../lib/format'

// The contract's limits (types/order-admin.ts SHIP_BATCH_MAX_ROWS, the body's maxLength); the
// contract is imported for types only, so they are repeated here and the server still decides.
const MAX_ROWS = 500
const MAX_CHARS = 60_000

type Row = ShipBatchResult['rows'][number]

/** Excel in China saves CSV as GBK unless told otherwise: UTF-8 first, GBK when it is not UTF-8. */
async function readText(file: File): Promise<string> {
  const bytes = await file.arrayBuffer()
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return new TextDecoder('gbk').decode(bytes)
  }
}

const csvFile = (lines: string[]) => new Blob(['\uFEFF' + lines.join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' })
const csvCell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value)

/** Data lines, roughly as the server counts them (a first line naming the order number column is a header). */
function countRows(text: string): number {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/).filter((l) => l.trim() !== '')
  return lines.length > 0 && !/[0-9]/.test(lines[0]!.split(/[,，\t]/)[0] ?? '') && /订单|单号|order/i.test(lines[0]!) ? lines.length - 1 : lines.length
}

export function BatchShipModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { modal, message } = App.useApp()
  const client = useQueryClient()
  const [source, setSource] = useState<'file' | 'paste'>('file')
  const [text, setText] = useState('')
  const [fileName, setFileName] = useState<string | null>(null)
  const [result, setResult] = useState<ShipBatchResult | null>(null)
  const [onlyFailed, setOnlyFailed] = useState(false)
  const ship = useMutation({ mutationFn: (csv: string) => api('POST /api/admin/orders/ship-batch', { body: { csv } }) })

  const rows = countRows(text)
  const tooLong = text.length > MAX_CHARS
  const tooMany = rows > MAX_ROWS

  const reset = () => {
    setText('')
    setFileName(null)
    setResult(null)
    setOnlyFailed(false)
  }
  const close = () => {
    if (ship.isPending) return
    reset()
    onClose()
  }

  const start = () => {
    modal.confirm({
      title: `确认批量发货 ${formatNumber(rows)} 单？`,
      content: '每一行单独发货：格式不对、未付款或已发货的行不会发货，结果逐行列出。发货后会员会看到物流信息。',
      okText: '开始发货',
      onOk: async () => {
        try {
          const answer = await ship.mutateAsync(text)
          setResult(answer)
          setOnlyFailed(answer.failed > 0)
          void client.invalidateQueries({ queryKey: ['orders'] })
          void client.invalidateQueries({ queryKey: ['admin-order'] })
          if (answer.failed === 0) void message.success(`${formatNumber(answer.shipped)} 单全部发货成功`)
          else void message.warning(`成功 ${formatNumber(answer.shipped)} 单，失败 ${formatNumber(answer.failed)} 单`)
        } catch (error) {
          void message.error(errorMessage(error))
        }
      }
    })
  }

  const failedRows = result?.rows.filter((r) => !r.ok) ?? []
  const downloadFailed = () =>
    saveFile(csvFile(['订单号,快递公司,运单号', ...failedRows.map((r) => [r.orderNo, r.carrier, r.trackingNo].map(csvCell).join(','))]), '发货失败的订单.csv')

  const footer = result ? (
    <Space>
      {failedRows.length > 0 && (
        <Button icon={<DownloadOutlined />} onClick={downloadFailed}>
          下载失败的行
        </Button>
      )}
      <Button onClick={reset}>继续发货</Button>
      <Button type="primary" onClick={close}>
        完成
      </Button>
    </Space>
  ) : (
    <Space>
      <Button onClick={close} disabled={ship.isPending}>
        取消
      </Button>
      <Button type="primary" disabled={rows === 0 || tooLong || tooMany} loading={ship.isPending} onClick={start}>
        开始发货{rows > 0 ? `（${formatNumber(rows)} 行）` : ''}
      </Button>
    </Space>
  )

  return (
    <Modal title="批量发货" open={open} onCancel={close} width={860} footer={footer} maskClosable={false} destroyOnHidden>
      {result ? (
        <>
          <Alert
            type={result.failed === 0 ? 'success' : result.shipped === 0 ? 'error' : 'warning'}
            showIcon
            style={{ marginBottom: 12 }}
            message={`共 ${formatNumber(result.total)} 行：成功 ${formatNumber(result.shipped)} 单，失败 ${formatNumber(result.failed)} 单`}
            description={result.failed > 0 ? '失败的行没有做任何改动。可下载失败的行，改正后重新上传。' : undefined}
          />
          <Radio.Group value={onlyFailed} onChange={(e) => setOnlyFailed(e.target.value as boolean)} optionType="button" style={{ marginBottom: 12 }}>
            <Radio.Button value={false}>全部 {formatNumber(result.total)}</Radio.Button>
            <Radio.Button value={true}>失败 {formatNumber(result.failed)}</Radio.Button>
          </Radio.Group>
          <Table<Row>
            rowKey="line"
            size="small"
            data-testid="ship-batch-result"
            dataSource={onlyFailed ? failedRows : result.rows}
            pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
            scroll={{ y: 360 }}
            columns={[
              { title: '行', dataIndex: 'line', width: 60 },
              { title: '订单号', dataIndex: 'orderNo', width: 200, render: (v: string) => v || <Typography.Text type="secondary">（空）</Typography.Text> },
              { title: '快递公司', dataIndex: 'carrier', width: 110 },
              { title: '运单号', dataIndex: 'trackingNo', width: 160 },
              {
                title: '结果',
                key: 'result',
                render: (_, row) => (row.ok ? <Tag color="green">已发货</Tag> : <Typography.Text type="danger">{row.message}</Typography.Text>)
              }
            ]}
          />
        </>
      ) : (
        <>
          <Typography.Paragraph>
            每行一单：<Typography.Text code>订单号,快递公司,运单号</Typography.Text>，第一行可以是表头；最多 {MAX_ROWS} 行。也可以从 Excel 直接复制三列粘贴。
            <Button type="link" size="small" icon={<DownloadOutlined />} onClick={() => saveFile(csvFile(['订单号,快递公司,运单号']), '批量发货模板.csv')}>
              下载模板
            </Button>
          </Typography.Paragraph>
          <Radio.Group
            value={source}
            onChange={(e) => {
              setSource(e.target.value as 'file' | 'paste')
              reset()
            }}
            optionType="button"
            style={{ marginBottom: 12 }}
            options={[
              { value: 'file', label: '上传 CSV 文件' },
              { value: 'paste', label: '粘贴内容' }
            ]}
          />
          {source === 'file' ? (
            <Upload.Dragger
              accept=".csv,.txt,text/csv,text/plain"
              multiple={false}
              showUploadList={false}
              beforeUpload={(file) => {
                if (file.size > MAX_CHARS * 3) {
                  void message.error('文件过大：一次最多 500 行')
                  return Upload.LIST_IGNORE
                }
                void readText(file)
                  .then((content) => {
                    setText(content)
                    setFileName(file.name)
                  })
                  .catch(() => void message.error('读取文件失败，请确认是 CSV 文本文件'))
                return Upload.LIST_IGNORE
              }}
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">{fileName ? `已选择 ${fileName}，点击或拖入可换一个文件` : '点击或把 CSV 文件拖到这里'}</p>
              <p className="ant-upload-hint">UTF-8 或 Excel 保存的 GBK 编码都可以</p>
            </Upload.Dragger>
          ) : (
            <Input.TextArea
              value={text}
              onChange={(e) => setText(e.target.value)}
              rows={10}
              placeholder={'订单号,快递公司,运单号\n20260302100005000001,顺丰速运,SF1234567890'}
              style={{ fontFamily: 'monospace' }}
              aria-label="发货内容"
            />
          )}
          {text && (
            <Typography.Paragraph type={tooMany || tooLong ? 'danger' : 'secondary'} style={{ marginTop: 8, marginBottom: 0 }}>
              {tooMany ? `共 ${formatNumber(rows)} 行，超过一次 ${MAX_ROWS} 行的上限，请分批上传` : tooLong ? '内容过长，请分批上传' : `识别到 ${formatNumber(rows)} 行待发货`}
            </Typography.Paragraph>
          )}
        </>
      )}
    </Modal>
  )
}
