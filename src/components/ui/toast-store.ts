/** A tiny store of toasts, so any code (mutation callbacks included) can announce something. */

export type ToastTone = 'info' | 'success' | 'error'

export interface Toast {
  id: number
  title: string
  description?: string | undefined
  tone: ToastTone
}

type Listener = () => void

let toasts: readonly Toast[] = []
let nextId = 1
const listeners = new Set<Listener>()
const timers = new Map<number, ReturnType<typeof setTimeout>>()

function emit() {
  for (const listener of listeners) listener()
}

export function subscribeToasts(listener: Listener): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function getToasts(): readonly Toast[] {
  return toasts
}

export function dismissToast(id: number): void {
  const timer = timers.get(id)
  if (timer) clearTimeout(timer)
  timers.delete(id)
  toasts = toasts.filter((t) => t.id !== id)
  emit()
}

const MAX_TOASTS = 4

export function toast(title: string, options: { description?: string; tone?: ToastTone; durationMs?: number } = {}) {
  const id = nextId++
  toasts = [...toasts, { id, title, description: options.description, tone: options.tone ?? 'info' }].slice(-MAX_TOASTS)
  timers.set(
    id,
    setTimeout(() => dismissToast(id), options.durationMs ?? 6_000),
  )
  emit()
  return id
}
