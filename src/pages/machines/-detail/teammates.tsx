import { type KeyboardEvent, type Ref, useEffect, useId, useState } from 'react'
import { memberName, type TeamMembership } from '../../../api/team'
import { Button } from '../../../components/ui/button'
import { cn } from '../../../lib/cn'
import { inputClasses } from './field'

/** What the picker needs of the team's members read (a `useQuery(teamMembersQueryOptions())` result fits). */
export interface TeamMembersState {
  data?: readonly TeamMembership[] | undefined
  isPending: boolean
  isError: boolean
  isFetching: boolean
  error: unknown
  refetch: () => unknown
}

/**
 * Turns what was typed into a user id: the email or the full name of a team member, or else the text itself
 * (a raw id works even when the team's members could not be read).
 */
export function resolveUserId(
  typed: string,
  members: readonly TeamMembership[],
): { userId: string } | { error: string } {
  const value = typed.trim()
  if (value === '') return { error: 'Enter a user ID.' }
  const wanted = value.toLowerCase()
  if (value.includes('@')) {
    const match = members.find((member) => member.user.email.toLowerCase() === wanted)
    return match ? { userId: match.user.id } : { error: 'No team member has that email; enter their user ID instead.' }
  }
  const named = members.filter((member) => memberName(member.user).toLowerCase() === wanted)
  if (named.length === 1 && named[0]) return { userId: named[0].user.id }
  if (named.length > 1) return { error: 'More than one team member has that name; pick one from the list.' }
  return { userId: value }
}

/** The members whose name, email or user id contains what was typed (all of them for nothing typed). */
export function filterMembers(members: readonly TeamMembership[], typed: string): TeamMembership[] {
  const needle = typed.trim().toLowerCase()
  if (needle === '') return [...members]
  return members.filter((member) =>
    [memberName(member.user), member.user.email, member.user.id].some((text) => text.toLowerCase().includes(needle)),
  )
}

const roleOf = (member: TeamMembership) => (member.isOwner ? 'Owner' : member.isAdmin ? 'Admin' : null)

/**
 * A user id input that offers the team's members (a combobox with a listbox): typing filters them by name, email or
 * id; ArrowDown / ArrowUp move through them, Enter picks one (its user id becomes the value), Escape closes the
 * list. Whatever is typed stays the value, so a raw user id works with or without the list.
 */
export function TeammatePicker({
  id,
  value,
  onChange,
  team,
  exclude,
  invalid = false,
  describedBy,
  inputRef,
  className,
}: {
  /** id of the input, for its label */
  id: string
  value: string
  onChange: (value: string) => void
  team: TeamMembersState
  /** user ids not to offer (e.g. people who already have access) */
  exclude?: ReadonlySet<string>
  invalid?: boolean
  describedBy?: string | undefined
  inputRef?: Ref<HTMLInputElement>
  className?: string
}) {
  const listId = useId()
  const [open, setOpen] = useState(false)
  const [active, setActive] = useState(-1)
  const offered = (team.data ?? []).filter((member) => !exclude?.has(member.user.id))
  const shown = filterMembers(offered, value)
  const expanded = open && shown.length > 0
  const activeIndex = expanded && active < shown.length ? active : -1
  const optionId = (index: number) => `${listId}-option-${index}`

  useEffect(() => {
    if (activeIndex < 0) return
    document.getElementById(`${listId}-option-${activeIndex}`)?.scrollIntoView?.({ block: 'nearest' })
  }, [activeIndex, listId])

  const choose = (member: TeamMembership) => {
    onChange(member.user.id)
    setOpen(false)
    setActive(-1)
  }

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        if (offered.length === 0) return
        event.preventDefault()
        const step = event.key === 'ArrowDown' ? 1 : -1
        const count = shown.length
        if (count === 0) return
        setOpen(true)
        setActive(expanded ? (activeIndex + step + count) % count : step === 1 ? 0 : count - 1)
        return
      }
      case 'Enter': {
        const member = activeIndex >= 0 ? shown[activeIndex] : undefined
        if (!member) return
        event.preventDefault()
        choose(member)
        return
      }
      case 'Escape':
        if (!expanded) return
        // Closes the list only: the dialog around the picker, if any, stays open.
        event.preventDefault()
        event.stopPropagation()
        setOpen(false)
        setActive(-1)
        return
      case 'Tab':
        setOpen(false)
        return
    }
  }

  return (
    <div className={cn('relative', className)}>
      <input
        ref={inputRef}
        id={id}
        name="userId"
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={activeIndex >= 0 ? optionId(activeIndex) : undefined}
        autoComplete="off"
        spellCheck={false}
        value={value}
        onChange={(event) => {
          onChange(event.target.value)
          setOpen(true)
          setActive(-1)
        }}
        onClick={() => setOpen(true)}
        onBlur={() => {
          setOpen(false)
          setActive(-1)
        }}
        onKeyDown={onKeyDown}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={describedBy}
        className={inputClasses(invalid)}
      />
      <div
        id={listId}
        role="listbox"
        aria-label="Team members"
        hidden={!expanded}
        className="absolute inset-x-0 top-full z-20 mt-1 max-h-64 overflow-y-auto rounded-md border border-slate-200 bg-white py-1 shadow-lg dark:border-slate-700 dark:bg-slate-900"
      >
        {expanded
          ? shown.map((member, index) => {
              const role = roleOf(member)
              return (
                // The input keeps focus and handles the keys (aria-activedescendant); a click picks too.
                // biome-ignore lint/a11y/useKeyWithClickEvents: keys are handled by the combobox input
                <div
                  key={member.user.id}
                  id={optionId(index)}
                  role="option"
                  tabIndex={-1}
                  aria-selected={index === activeIndex}
                  onMouseDown={(event) => event.preventDefault()}
                  onClick={() => choose(member)}
                  className={cn(
                    'flex cursor-pointer flex-col px-3 py-1.5 text-sm',
                    index === activeIndex
                      ? 'bg-indigo-50 text-indigo-950 dark:bg-indigo-950 dark:text-indigo-50'
                      : 'hover:bg-slate-50 dark:hover:bg-slate-800',
                  )}
                >
                  <span className="flex items-center gap-2 font-medium">
                    {memberName(member.user)}
                    {role ? (
                      <span className="text-xs font-normal text-slate-600 dark:text-slate-400">{role}</span>
                    ) : null}
                  </span>
                  <span className="text-xs break-all text-slate-600 dark:text-slate-400">
                    {member.user.email} · <span className="font-mono">{member.user.id}</span>
                  </span>
                </div>
              )
            })
          : null}
      </div>
    </div>
  )
}

/**
 * The line under a teammate picker (its `${id}-hint`): who the typed id is, or the state of the members read;
 * when that read failed, a retry (a raw user id still works meanwhile).
 */
export function TeammateHint({
  id,
  value,
  team,
  offered,
}: {
  /** id of the picker's input */
  id: string
  value: string
  team: TeamMembersState
  /** how many members the picker offers */
  offered: number
}) {
  const chosen = team.data?.find((member) => member.user.id === value.trim())
  let text: string
  if (chosen) text = `${memberName(chosen.user)} · ${chosen.user.email}`
  else if (team.isPending) text = 'Loading the team’s members…'
  else if (team.isError && !team.data) {
    const reason = team.error instanceof Error && team.error.message ? ` ${team.error.message}` : ''
    text = `Could not load the team’s members.${reason} You can still enter a user ID.`
  } else if (offered > 0) text = `Type a name, email or user ID to find one of ${offered} team members.`
  else text = 'Enter the ID of a team member, such as u1a2b3c4d.'
  return (
    <div className="flex flex-wrap items-center gap-2">
      <p id={`${id}-hint`} className="text-xs text-slate-600 dark:text-slate-400">
        {text}
      </p>
      {team.isError && !team.data ? (
        <Button size="sm" variant="ghost" onClick={() => void team.refetch()} pending={team.isFetching}>
          Retry loading members
        </Button>
      ) : null}
    </div>
  )
}
