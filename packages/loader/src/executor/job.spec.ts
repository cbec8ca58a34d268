import { describe, expect, it } from 'vitest';
import { DeadlineList, Job } from './job.js';

const job = (deadline: number) => {
  const j = new Job(async () => undefined, undefined, 0);
  j.deadline = deadline;
  return j;
};

describe('DeadlineList', () => {
  it('splits at `now`: due jobs in submission order and the next deadline ahead', () => {
    const list = new DeadlineList();
    const [a, b, c, d] = [job(30), job(10), job(50), job(20)];
    for (const j of [a, b, c, d]) list.add(j);
    const { expired, next } = list.due(25);
    expect(expired).toEqual([b, d]);
    expect(next).toBe(30);
    expect(list.due(100).expired).toEqual([a, b, c, d]);
  });

  it.each([
    ['head', 0, [1, 2]],
    ['middle', 1, [0, 2]],
    ['tail', 2, [0, 1]],
  ])('removes the %s and keeps the others linked', (_where, index, left) => {
    const list = new DeadlineList();
    const jobs = [job(1), job(2), job(3)];
    for (const j of jobs) list.add(j);
    list.remove(jobs[index]);
    expect(list.due(10).expired).toEqual(left.map((i) => jobs[i]));
    expect(jobs[index].prev).toBeUndefined();
    expect(jobs[index].next).toBeUndefined();
  });

  it('ignores removing a job twice or one never added, and adding one twice', () => {
    const list = new DeadlineList();
    const [a, b] = [job(1), job(2)];
    list.add(a);
    list.add(a);
    list.remove(b);
    expect(list.due(10).expired).toEqual([a]);
    list.remove(a);
    list.remove(a);
    expect(list.due(10)).toEqual({ expired: [], next: Number.POSITIVE_INFINITY });
    list.add(b);
    expect(list.due(0)).toEqual({ expired: [], next: 2 });
  });
});
