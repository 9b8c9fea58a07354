import Taro from '@tarojs/taro'

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** Path and query, e.g. /api/stores/SH001?staff=E07 */
  url: string
  body?: unknown
  headers: Record<string, string>
}

export interface HttpResponse {
  status: number
  data: unknown
}

/** Sends one request; rejects only when no answer came back (offline, timeout). */
export type Transport = (request: HttpRequest) => Promise<HttpResponse>

export const taroTransport: Transport = async (request) => {
  const response = await Taro.request({
    url: `${API_BASE_URL}${request.url}`,
    method: request.method,
    data: request.body,
    header: { 'content-type': 'application/json', ...request.headers },
    dataType: 'json',
    timeout: 15000
  })
  return { status: response.statusCode, data: response.data }
}
