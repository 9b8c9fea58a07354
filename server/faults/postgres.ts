import { execFile } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, appendFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** A PostgreSQL cluster of our own in a temp folder: created, crashed, restarted and removed by this suite. */
export interface TempCluster {
  port: number
  /** Holds the data directory, the server log and the socket. */
  dir: string
  url(database: string): string
  createdb(name: string): Promise<void>
  /** `pg_ctl stop -m immediate`: the postmaster and every backend die at once, like a power cut (no checkpoint). */
  crash(): Promise<void>
  /** pg_ctl start, waiting until it accepts connections (crash recovery replays the WAL first). */
  start(): Promise<void>
  /** The postmaster's pid while it runs (from postmaster.pid), for cleanup by pid if pg_ctl fails. */
  postmasterPid(): number | null
  /** Stops the cluster (if it runs) and removes its folder. Safe to call twice. */
  destroy(): Promise<void>
}

/**
 * The machine's PostgreSQL binaries: PG_BIN when set, else PostgreSQL 15 under /usr/lib/postgresql
 * (Debian's layout) if present, else the newest version there, else `pg_config --bindir`.
 */
async function binDir(): Promise<string> {
  if (process.env.PG_BIN) return process.env.PG_BIN
  const root = '/usr/lib/postgresql'
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a))
    const chosen = versions.includes('15') ? '15' : versions[0]
    if (chosen) return path.join(root, chosen, 'bin')
  }
  const { stdout } = await run('pg_config', ['--bindir'])
  return stdout.trim()
}

/** initdb refuses to run as root: as root, every PostgreSQL binary runs as the postgres OS user. */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]
}

async function pg(bin: string, tool: string, args: string[], timeoutMs = 60_000) {
  const [command, argv] = asPostgres(path.join(bin, tool), args)
  try {
    return await run(command, argv, { timeout: timeoutMs })
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string }
    throw new Error(`${tool} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`)
  }
}

export async function createTempCluster(port: number): Promise<TempCluster> {
  const bin = await binDir()
  const dir = mkdtempSync(path.join(os.tmpdir(), 'loyalty-faults-pg-'))
  if (process.getuid?.() === 0) {
    // The postgres user must own the folder: initdb creates the data directory inside it.
    const { stdout } = await run('id', ['-u', 'postgres'])
    const { stdout: gid } = await run('id', ['-g', 'postgres'])
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()))
  }
  const data = path.join(dir, 'data')
  const log = path.join(dir, 'postgres.log')
  let running = false
  let destroyed = false

  await pg(bin, 'initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C'], 120_000)
  // In postgresql.conf (not on the command line) so every restart after a crash gets them too.
  appendFileSync(
    path.join(data, 'postgresql.conf'),
    [
      '',
      '# loyalty-mall fault suite',
      "listen_addresses = '127.0.0.1'",
      `port = ${port}`,
      `unix_socket_directories = '${dir}'`,
      // Durability is what is tested: every commit reaches the disk before it is acknowledged.
      'fsync = on',
      'synchronous_commit = on',
      'full_page_writes = on',
      'max_connections = 100',
      ''
    ].join('\n')
  )

  const cluster: TempCluster = {
    port,
    dir,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async createdb(name) {
      await pg(bin, 'createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name])
    },
    async start() {
      if (destroyed) throw new Error('the cluster is being removed')
      await pg(bin, 'pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', 'start'], 90_000)
      running = true
    },
    async crash() {
      await pg(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
      running = false
    },
    postmasterPid() {
      try {
        const pid = Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0])
        return Number.isInteger(pid) && pid > 0 ? pid : null
      } catch {
        return null
      }
    },
    async destroy() {
      if (destroyed) return
      destroyed = true
      const pid = cluster.postmasterPid()
      if (running || pid !== null) {
        try {
          await pg(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'], 30_000)
        } catch {
          // pg_ctl could not stop it: the postmaster we started, by its pid, and nothing else.
          if (pid !== null) {
            try {
              process.kill(pid, 'SIGKILL')
            } catch {
              // already gone
            }
          }
        }
      }
      rmSync(dir, { recursive: true, force: true })
    }
  }
  return cluster
}

export function serverLogTail(cluster: TempCluster, lines = 20): string {
  try {
    return readFileSync(path.join(cluster.dir, 'postgres.log'), 'utf8').trim().split('\n').slice(-lines).join('\n')
  } catch {
    return ''
  }
}
