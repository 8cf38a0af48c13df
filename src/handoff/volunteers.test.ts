import { beforeEach, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/support/database.js';
import type { DatabaseHandle } from '../storage/database.js';
import {
  addVolunteer,
  getVolunteerByEmail,
  getVolunteerByTelegramUserId,
  listVolunteers,
  removeVolunteer,
  updateVolunteer,
  volunteerInput,
} from './volunteers.js';

describe('volunteers', () => {
  let handle: DatabaseHandle;
  beforeEach(async () => {
    handle = await freshDatabase();
  });
  const at = new Date('2026-11-30T10:00:00Z');

  it('names accounts by their lower-cased e-mail, unique among active accounts', async () => {
    const added = await addVolunteer(handle.db, { name: 'Amina', email: '  Amina@Example.ORG ', languages: ['fr', 'ar'] });
    expect(added).toMatchObject({ status: 'added', reactivated: false, volunteer: { email: 'amina@example.org', role: 'volunteer', languages: ['fr', 'ar'] } });
    expect((await getVolunteerByEmail(handle.db, 'AMINA@example.org'))?.name).toBe('Amina');
    expect(await addVolunteer(handle.db, { name: 'Other', email: 'amina@example.org' })).toMatchObject({ status: 'email-taken' });
  });

  it('a removed account keeps its row, frees its Telegram id, and comes back when added again', async () => {
    const first = await addVolunteer(handle.db, { name: 'Yonas', email: 'yonas@example.org', telegramId: 777 });
    if (first.status !== 'added') throw new Error(first.status);
    expect((await getVolunteerByTelegramUserId(handle.db, 777))?.id).toBe(first.volunteer.id);
    await addVolunteer(handle.db, { name: 'Claire', email: 'claire@example.org', role: 'coordinator' });

    const removed = await handle.db.transaction((tx) => removeVolunteer(tx, first.volunteer.id, at));
    expect(removed.status).toBe('removed');
    expect(await getVolunteerByTelegramUserId(handle.db, '777')).toBeUndefined();
    expect((await listVolunteers(handle.db)).map((v) => v.name)).toEqual(['Claire']);
    // Someone else may now use that Telegram id.
    expect(await addVolunteer(handle.db, { name: 'New', email: 'new@example.org', telegramId: '777' })).toMatchObject({ status: 'added' });

    const back = await addVolunteer(handle.db, { name: 'Yonas T.', email: 'yonas@example.org', languages: ['ti'] });
    expect(back).toMatchObject({ status: 'added', reactivated: true, volunteer: { id: first.volunteer.id, name: 'Yonas T.', languages: ['ti'] } });
  });

  it('keeps at least one coordinator', async () => {
    const claire = await addVolunteer(handle.db, { name: 'Claire', email: 'claire@example.org', role: 'coordinator' });
    if (claire.status !== 'added') throw new Error(claire.status);
    const id = claire.volunteer.id;
    expect(await handle.db.transaction((tx) => removeVolunteer(tx, id, at))).toEqual({ status: 'last-coordinator' });
    expect(await handle.db.transaction((tx) => updateVolunteer(tx, id, { role: 'volunteer' }))).toEqual({ status: 'last-coordinator' });
    expect(await handle.db.transaction((tx) => updateVolunteer(tx, id, { languages: ['fr', 'es'] }))).toMatchObject({ status: 'updated' });
    expect(await handle.db.transaction((tx) => removeVolunteer(tx, 9999, at))).toEqual({ status: 'not-found' });
  });

  it('checks its inputs: locale codes, a role, a Telegram id, a name', () => {
    const result = volunteerInput.safeParse({ name: '\u0007', email: 'x', languages: ['fr', 'xx'], role: 'admin', telegramId: '-5' });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['email', 'languages.1', 'name', 'role', 'telegramId']);
    expect(volunteerInput.parse({ name: 'A', email: 'a@localhost' })).toEqual({ name: 'A', email: 'a@localhost', languages: ['fr'], role: 'volunteer' });
  });
});
