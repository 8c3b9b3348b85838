/** "3 new events ↑": shown while the reader is scrolled away from the newest events; takes them back to the top. */
export function NewEventsPill({ count, onClick }: { count: number; onClick: () => void }) {
  return (
    <div aria-live="polite" className="pointer-events-none fixed inset-x-0 top-4 z-40 flex justify-center">
      {count > 0 ? (
        <button
          type="button"
          onClick={onClick}
          className="pointer-events-auto rounded-full bg-indigo-600 px-4 py-1.5 text-sm font-medium text-white shadow-lg hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500 dark:bg-indigo-500 dark:hover:bg-indigo-400"
        >
          <span aria-hidden="true">↑ </span>
          {count === 1 ? '1 new event' : `${count} new events`}
        </button>
      ) : null}
    </div>
  )
}
