import { ACTION_STATUSES, type ActionStatus } from '../confirmation.types';
import {
  type ActionTransition,
  canTransition,
  consumableStatus,
  effectiveStatus,
} from './action-status.util';

const now = new Date('2026-11-21T10:00:00Z');
const past = new Date(now.getTime() - 1);
const future = new Date(now.getTime() + 60_000);

describe('action status', () => {
  it('shows open actions past their expiry as expired, swept or not', () => {
    expect(effectiveStatus({ status: 'pending', expiresAt: past }, now)).toBe('expired');
    expect(effectiveStatus({ status: 'approved', expiresAt: now }, now)).toBe('expired');
    expect(effectiveStatus({ status: 'pending', expiresAt: future }, now)).toBe('pending');
    expect(effectiveStatus({ status: 'approved', expiresAt: future }, now)).toBe('approved');
  });

  it('keeps final statuses whatever the clock says', () => {
    for (const status of ['consumed', 'rejected', 'cancelled', 'expired'] as const) {
      expect(effectiveStatus({ status, expiresAt: past }, now)).toBe(status);
    }
  });

  it('allows exactly these transitions', () => {
    const allowed: Record<ActionTransition, ActionStatus[]> = {
      approve: ['pending'],
      reject: ['pending'],
      cancel: ['pending', 'approved'],
      expire: ['pending', 'approved'],
    };
    for (const [transition, from] of Object.entries(allowed) as [ActionTransition, ActionStatus[]][]) {
      for (const status of ACTION_STATUSES) {
        expect([transition, status, canTransition(status, transition)]).toEqual([
          transition,
          status,
          from.includes(status),
        ]);
      }
    }
  });

  it('consumes from approved when an approval is required, from pending otherwise', () => {
    expect(consumableStatus(true)).toBe('approved');
    expect(consumableStatus(false)).toBe('pending');
  });
});
