import type { Teammate } from '../../../api/access'

/** Turns what was typed into a user id: an id as it is, or the email of a teammate seen before. */
export function resolveUserId(typed: string, teammates: readonly Teammate[]): { userId: string } | { error: string } {
  const value = typed.trim()
  if (value === '') return { error: 'Enter a user ID.' }
  if (!value.includes('@')) return { userId: value }
  const match = teammates.find((teammate) => teammate.email.toLowerCase() === value.toLowerCase())
  return match
    ? { userId: match.userId }
    : { error: 'No teammate with that email has been seen here; enter their user ID instead.' }
}

/** Suggestions for a user id input (`list={id}`): the value is the id, the label the email. */
export function TeammateOptions({ id, teammates }: { id: string; teammates: readonly Teammate[] }) {
  return (
    <datalist id={id}>
      {teammates.map((teammate) => (
        <option key={teammate.userId} value={teammate.userId}>
          {teammate.email || teammate.userId}
        </option>
      ))}
    </datalist>
  )
}
