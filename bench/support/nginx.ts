/**
 * Debian's nginx as a token-adding reverse proxy, for comparison: its own config file in a temporary folder,
 * `daemon off;`, one worker (like one Node process), on a free loopback port. Installed with apt-get when missing
 * and running as root; otherwise the caller is told why it is skipped.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { print } from './report'
import { freePort, type RunningServer, rssOf } from './server'

const NGINX = '/usr/sbin/nginx'

/** The nginx binary, or why there is none. */
export function findNginx(): { path: string } | { skipped: string } {
  if (existsSync(NGINX)) return { path: NGINX }
  if (process.getuid?.() !== 0) return { skipped: `${NGINX} is missing (install it with: apt-get install -y nginx)` }
  print('nginx is missing: apt-get install -y nginx')
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
  const installed = spawnSync('apt-get', ['install', '-y', '-qq', 'nginx'], { stdio: 'inherit', env })
  if (installed.status !== 0 || !existsSync(NGINX)) return { skipped: 'apt-get install -y nginx failed' }
  return { path: NGINX }
}

export async function startNginx(binary: string, upstreamUrl: string, key: string): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-nginx-'))
  const port = await freePort()
  const upstream = new URL(upstreamUrl)
  const config = `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream api {
    server ${upstream.host};
    keepalive 128;
  }
  server {
    listen 127.0.0.1:${port};
    location /api/v1/ {
      proxy_pass http://api/v1/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host ${upstream.host};
      proxy_set_header Authorization "Bearer ${key}";
    }
  }
}
`
  const configPath = join(dir, 'nginx.conf')
  writeFileSync(configPath, config)
  const child: ChildProcess = spawn(binary, ['-e', join(dir, 'error.log'), '-p', dir, '-c', configPath], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let errors = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString()
  })
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // QUIT: graceful stop of master and worker.
      child.kill('SIGQUIT')
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(killer)
    }
    rmSync(dir, { recursive: true, force: true })
  }
  const deadline = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) {
      await stop()
      throw new Error(`nginx exited (${child.exitCode}):\n${errors}`)
    }
    try {
      const response = await fetch(`${url}/api/v1/machines?limit=1`)
      await response.arrayBuffer()
      if (response.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`nginx did not answer within 10 s:\n${errors}`)
    }
    await new Promise((wait) => setTimeout(wait, 100))
  }
  return { url, pid: child.pid, rss: () => rssOf(child.pid), stop }
}
