/** Who this browser acts as, in words, for the header: the signed-in person and the team. Pure. */

/** The fields of an account (GET /api/account) these functions read. */
export interface AccountLike {
  via: string
  user: { id: string | null; email: string | null; name: string | null } | null
  team: { id: string; name: string | null } | null
}

/** The person in words: their name, else their email; with neither, the server's key, and only then an id. */
export function personLabel({ via, user }: AccountLike): string {
  return user?.name?.trim() || user?.email || (via === 'server-key' ? 'Server key' : user?.id || 'Signed in')
}

/** "Ada Lovelace · acme-ml": the person, then the team's name (its id only when the name is unknown). */
export function identityLabel(account: AccountLike): string {
  return [personLabel(account), account.team?.name || account.team?.id].filter(Boolean).join(' · ')
}
