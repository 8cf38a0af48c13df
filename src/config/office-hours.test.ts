import { describe, expect, it } from 'vitest';
import { parisInstant } from '../core/time.js';
import { availability, parseOfficeHours } from './office-hours.js';

const hours = parseOfficeHours('mon-fri 09:00-18:00; sat 10:00-13:00', '2026-12-25, 2027-01-01');

describe('office hours (Europe/Paris)', () => {
  it('is open inside the schedule, in Paris time whatever the season', () => {
    // Monday 30 Nov 2026, 09:30 in Paris = 08:30 UTC (winter); Monday 15 June 2026, 09:30 = 07:30 UTC.
    expect(availability(hours, new Date('2026-11-30T08:30:00Z'))).toEqual({ open: true });
    expect(availability(hours, new Date('2026-06-15T07:30:00Z'))).toEqual({ open: true });
    expect(availability(hours, new Date('2026-06-15T06:30:00Z')).open).toBe(false);
  });

  it('says when it reopens: later today, tomorrow, after the weekend', () => {
    // Monday 07:00 Paris → Monday 09:00.
    expect(availability(hours, new Date('2026-11-30T06:00:00Z'))).toEqual({ open: false, reopensAt: parisInstant('2026-11-30', 540) });
    // Friday 19:00 Paris → Saturday 10:00.
    expect(availability(hours, new Date('2026-12-04T18:00:00Z'))).toEqual({ open: false, reopensAt: parisInstant('2026-12-05', 600) });
    // Saturday 14:00 Paris → Monday 09:00.
    expect(availability(hours, new Date('2026-12-05T13:00:00Z'))).toEqual({ open: false, reopensAt: parisInstant('2026-12-07', 540) });
  });

  it('skips holidays', () => {
    // Christmas 2026 is a Friday: closed all day; reopens Saturday 26th at 10:00.
    expect(availability(hours, new Date('2026-12-25T10:00:00Z'))).toEqual({ open: false, reopensAt: parisInstant('2026-12-26', 600) });
    // Thursday 24th after hours → not Friday (holiday) but Saturday.
    expect(availability(hours, new Date('2026-12-24T19:00:00Z'))).toEqual({ open: false, reopensAt: parisInstant('2026-12-26', 600) });
  });

  it('converts Paris wall-clock times to instants across the summer-time change', () => {
    expect(parisInstant('2026-11-30', 540).toISOString()).toBe('2026-11-30T08:00:00.000Z');
    expect(parisInstant('2026-06-15', 540).toISOString()).toBe('2026-06-15T07:00:00.000Z');
  });

  it('without a schedule, is always "as soon as we can"', () => {
    expect(availability(parseOfficeHours(undefined, undefined), new Date())).toEqual({ open: true });
  });

  it('refuses a schedule it cannot read, saying which part', () => {
    expect(() => parseOfficeHours('mon-fri 9h-18h', undefined)).toThrow(/mon-fri 9h-18h/);
    expect(() => parseOfficeHours('lun 09:00-18:00', undefined)).toThrow(/days are/);
    expect(() => parseOfficeHours('mon 18:00-09:00', undefined)).toThrow(/end after the start/);
    expect(() => parseOfficeHours(undefined, '25/12/2026')).toThrow(/YYYY-MM-DD/);
  });
});
