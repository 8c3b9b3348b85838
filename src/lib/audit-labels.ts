/** Audit actions and outcomes in words, and the tone each outcome is shown in. Pure. */

const ACTION_LABELS: Readonly<Record<string, string>> = {
  start: 'Start',
  stop: 'Stop',
  restart: 'Restart',
  create: 'Create',
  update: 'Update settings',
  delete: 'Delete',
  grant: 'Grant access',
  revoke: 'Revoke access',
  'sign-in': 'Sign in',
  'sign-out': 'Sign out',
  'desktop-read': 'Open desktop',
}

/** "update" → "Update settings"; an action this page does not know yet is shown as it comes. */
export function auditActionLabel(action: string): string {
  return ACTION_LABELS[action] ?? action
}

const OUTCOME_LABELS: Readonly<Record<string, string>> = {
  ok: 'OK',
  failed: 'Failed',
  pending: 'Pending',
  unknown: 'Unknown',
}

export function auditOutcomeLabel(outcome: string): string {
  return OUTCOME_LABELS[outcome] ?? outcome
}

export type OutcomeTone = 'green' | 'red' | 'amber' | 'neutral'

export function auditOutcomeTone(outcome: string): OutcomeTone {
  if (outcome === 'ok') return 'green'
  if (outcome === 'failed') return 'red'
  if (outcome === 'pending') return 'amber'
  return 'neutral'
}

const VIA_LABELS: Readonly<Record<string, string>> = {
  signin: 'Signed-in key',
  sso: 'SSO header',
  'server-key': 'Server key',
  schedule: 'Schedule',
  policy: 'Policy',
  budget: 'Budget',
}

/** How the server knew who acted: "Signed-in key", "SSO header", "Server key", "Schedule", … */
export function viaLabel(via: string): string {
  return VIA_LABELS[via] ?? via
}

/** The fields of an audit entry's actor read here. */
export interface ActorLike {
  id: string | null
  email: string | null
  name: string | null
  via: string
}

/** The actor of an audit entry in words: a name (a person's, a schedule's, a policy's), else email, else id. */
export function actorLabel(actor: ActorLike): string {
  return actor.name?.trim() || actor.email || actor.id || viaLabel(actor.via)
}
