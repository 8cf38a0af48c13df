import { GrammyError, type Api } from 'grammy';
import type { User } from 'grammy/types';
import { localeFromLanguageCode } from '../../../conversation/language.js';
import type { LocaleCode } from '../../../core/locales.js';
import type { Actor } from '../../../handoff/service.js';
import { addVolunteer, getVolunteerByTelegramUserId, wasRemoved, type Volunteer } from '../../../handoff/volunteers.js';
import { recordAudit } from '../../../privacy/audit.js';
import type { Db } from '../../../storage/database.js';
import { refusals } from './posts.js';

/**
 * Who may act from the group, and as whom.
 *
 * Only members of the group act: membership is asked of Telegram (`getChatMember`) and remembered
 * for `ttlMs` (5 minutes), so someone removed from the group stops acting within minutes and a busy
 * topic does not ask Telegram at every tap.
 *
 * A member is a volunteer account linked by their Telegram user id (`volunteers.telegram_user_id`),
 * so the console and the group show the same holder. A member the console does not know yet gets an
 * account at their first action, made for them: role volunteer, their Telegram name, French plus the
 * language of their Telegram app, the e-mail `telegram-<id>@telegram.invalid` (a name only: Relais
 * sends no e-mail), linked to their Telegram id, written to the audit log. Membership of this private
 * group is the association's gate; coordinators then see them in the console and can change their
 * name, languages or role, or link their Telegram id to an existing account instead. An account made
 * this way and later removed by a coordinator stays removed: that member is refused, not re-created
 * (removing someone: remove them from the Telegram group as well).
 */
export interface Members {
  isMember(userId: number): Promise<boolean>;
  actorFor(user: User): Promise<{ status: 'ok'; actor: Actor } | { status: 'refused'; why: string }>;
}

export function createMembers(options: { api: Api; db: Db; chatId: string; now: () => Date; ttlMs?: number }): Members {
  const { api, db, chatId, now } = options;
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const known = new Map<number, { member: boolean; until: number }>();

  const asActor = (v: Volunteer): Actor => ({ id: v.id, name: v.name, role: v.role, languages: v.languages, via: 'telegram-group' });

  return {
    async isMember(userId) {
      const t = now().getTime();
      const cached = known.get(userId);
      if (cached && cached.until > t) return cached.member;
      let member: boolean;
      try {
        const m = await api.getChatMember(chatId, userId);
        member = m.status === 'creator' || m.status === 'administrator' || m.status === 'member' || (m.status === 'restricted' && m.is_member);
      } catch (error) {
        // "user not found" and the like: not a member. Anything else (network) is asked again later.
        if (!(error instanceof GrammyError) || error.error_code !== 400) throw error;
        member = false;
      }
      if (known.size > 10_000) known.clear();
      known.set(userId, { member, until: t + ttlMs });
      return member;
    },

    async actorFor(user) {
      const linked = await getVolunteerByTelegramUserId(db, user.id);
      if (linked) return { status: 'ok', actor: asActor(linked) };
      const email = `telegram-${user.id}@telegram.invalid`;
      if (await wasRemoved(db, email)) return { status: 'refused', why: refusals.removed };
      const added = await db.transaction(async (tx) => {
        const outcome = await addVolunteer(tx, { name: nameOf(user), email, languages: languagesOf(user), role: 'volunteer', telegramId: String(user.id) });
        if (outcome.status === 'added') {
          await recordAudit(tx, {
            volunteerId: outcome.volunteer.id,
            action: 'volunteer.added',
            detail: { via: 'telegram-group', role: 'volunteer' },
            at: now(),
          });
        }
        return outcome;
      });
      switch (added.status) {
        case 'added':
          return { status: 'ok', actor: asActor(added.volunteer) };
        case 'telegram-taken':
          // Two first taps at once: the other one made the account.
          return { status: 'ok', actor: asActor(added.volunteer) };
        case 'email-taken':
          // Their account exists but a coordinator unlinked this Telegram id from it: not ours to undo.
          return { status: 'refused', why: refusals.unlinked };
      }
    },
  };
}

/** A Telegram name as an account's name: printable, 1–100 characters. */
function nameOf(user: User): string {
  const name = [user.first_name, user.last_name]
    .filter(Boolean)
    .join(' ')
    .replace(/\p{Cc}/gu, '')
    .trim();
  const chosen = name || (user.username ? `@${user.username}` : `Telegram ${user.id}`);
  return [...chosen].slice(0, 100).join('');
}

function languagesOf(user: User): LocaleCode[] {
  const own = localeFromLanguageCode(user.language_code);
  return own && own !== 'fr' ? ['fr', own] : ['fr'];
}
