import { type ReactNode, type RefObject, useEffect, useId, useLayoutEffect, useRef } from 'react'
import { Button, type ButtonVariant } from './button'

export interface DialogProps {
  open: boolean
  onClose: () => void
  title: string
  description?: ReactNode
  children?: ReactNode
  /** Buttons, usually Cancel and the action. */
  footer?: ReactNode
  /** Prevents closing by Escape or backdrop while work is in flight. */
  busy?: boolean
  className?: string
}

/**
 * A modal built on the native <dialog>: the browser traps focus, makes the page behind inert and closes on Escape
 * (refused while `busy`). Focus goes back to the element that opened it however it closes: by the `open` prop, by
 * the browser (Escape, the native `close` event), or by being unmounted while open, which the browser alone would
 * leave on <body>.
 */
export function Dialog({ open, onClose, title, description, children, footer, busy = false, className }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const opener = useRef<HTMLElement | null>(null)
  const titleId = useId()
  const descriptionId = useId()
  // The latest props, for the native close event and the unmount below.
  const latest = useRef({ open, onClose })
  latest.current = { open, onClose }

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    if (open && !dialog.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null
      dialog.showModal()
    }
    if (!open && dialog.open) dialog.close()
  }, [open])

  // Unmounted while open: closed while still in the document (a layout effect's cleanup runs before React removes
  // the element), so that the page behind is no longer inert and focus can go back.
  useLayoutEffect(
    () => () => {
      if (ref.current?.open) ref.current.close()
      giveFocusBack(opener)
    },
    [],
  )

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the backdrop click is a pointer shortcut; Escape closes for keyboards
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(event) => {
        event.preventDefault()
        if (!busy) onClose()
      }}
      onClose={() => {
        giveFocusBack(opener)
        // Closed by the browser rather than by the `open` prop: tell the owner.
        if (latest.current.open) latest.current.onClose()
      }}
      onClick={(event) => {
        if (event.target === event.currentTarget && !busy) onClose()
      }}
      className={
        className ??
        'm-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg bg-white p-0 text-slate-900 shadow-xl dark:bg-slate-900 dark:text-slate-100'
      }
    >
      {open ? (
        <div className="flex flex-col gap-4 p-5">
          <h2 id={titleId} className="text-lg font-semibold">
            {title}
          </h2>
          {description ? (
            <div id={descriptionId} className="text-sm text-slate-600 dark:text-slate-300">
              {description}
            </div>
          ) : null}
          {children}
          {footer ? <div className="flex justify-end gap-2">{footer}</div> : null}
        </div>
      ) : null}
    </dialog>
  )
}

/** Focus back on the element that opened the dialog, if it is still in the page. */
function giveFocusBack(opener: RefObject<HTMLElement | null>): void {
  const target = opener.current
  opener.current = null
  if (target?.isConnected && document.activeElement !== target) target.focus()
}

export interface ConfirmDialogProps {
  open: boolean
  onClose: () => void
  onConfirm: () => void
  title: string
  description?: ReactNode
  children?: ReactNode
  confirmLabel: string
  confirmVariant?: ButtonVariant
  pending?: boolean
  confirmDisabled?: boolean
}

export function ConfirmDialog({
  open,
  onClose,
  onConfirm,
  title,
  description,
  children,
  confirmLabel,
  confirmVariant = 'primary',
  pending = false,
  confirmDisabled = false,
}: ConfirmDialogProps) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={title}
      description={description}
      busy={pending}
      footer={
        <>
          <Button onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button variant={confirmVariant} onClick={onConfirm} pending={pending} disabled={confirmDisabled}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {children}
    </Dialog>
  )
}
