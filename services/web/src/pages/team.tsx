/**
 * The team: members with their engagement role, workgroup (seed 002's four, offered as
 * suggestions), department and since when; adding or changing a member and removing one with a
 * reason, for a project manager. The last project manager cannot be removed – the API says so.
 */
import { useState } from 'preact/hooks';
import { EngagementNav } from '../components/engagement-nav.js';
import { fieldError, ProblemMessage } from '../components/problem.js';
import { FieldError, ProblemWithNextStep } from '../consultant/problem-next-step.js';
import { useCommand } from '../consultant/use-command.js';
import { TEAM_ROLES, useAbilities, useMembers, type Member } from '../consultant/documents.js';
import { formatDate, useT } from '../i18n.js';
import '../consultant/consultant.css';

type Draft = { userId: string; name: string; role: Member['role']; workgroup: string; department: string; reason: string };
const EMPTY: Draft = { userId: '', name: '', role: 'consultant', workgroup: '', department: '', reason: '' };

export default function Team({ id }: { id: string }) {
  const { t } = useT('consultant');
  const members = useMembers(id);
  const { pm } = useAbilities(id);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [open, setOpen] = useState(false);
  const items = members.data?.items ?? [];
  const edit = (m: Member) => {
    setDraft({ userId: m.userId, name: m.name, role: m.role, workgroup: m.workgroup ?? '', department: m.department ?? '', reason: '' });
    setOpen(true);
    requestAnimationFrame(() => document.getElementById('member-form')?.querySelector<HTMLElement>('input, select')?.focus());
  };
  return (
    <div class="page consultant">
      <EngagementNav id={id} />
      <h2>{t('team.title')}</h2>
      {members.isError && <ProblemMessage error={members.error} onRetry={() => void members.refetch()} />}
      {members.isSuccess && items.length === 0 && <p class="empty">{t('team.empty')}</p>}
      {items.length > 0 && (
        <div class="table-wrap">
          <table class="stacked">
            <thead>
              <tr>
                <th scope="col">{t('team.name')}</th>
                <th scope="col">{t('team.role')}</th>
                <th scope="col">{t('team.workgroup')}</th>
                <th scope="col">{t('team.department')}</th>
                <th scope="col">{t('team.since')}</th>
                {pm && <th scope="col">{t('team.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {items.map((m) => (
                <tr key={m.userId}>
                  <th scope="row" data-label={t('team.name')}>
                    {m.name}
                    <br />
                    <small>{m.userId}</small>
                  </th>
                  <td data-label={t('team.role')}>{t(`common:roles.${m.role}`)}</td>
                  <td data-label={t('team.workgroup')}>{m.workgroup ?? '–'}</td>
                  <td data-label={t('team.department')}>{m.department ?? '–'}</td>
                  <td data-label={t('team.since')}>{formatDate(m.since)}</td>
                  {pm && (
                    <td data-label={t('team.actions')}>
                      <div class="cell-actions">
                      <button type="button" class="secondary" onClick={() => edit(m)}>
                        {t('team.change', { name: m.name })}
                      </button>
                      <RemoveMember id={id} member={m} />
                      </div>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pm && <MemberForm id={id} draft={draft} setDraft={setDraft} open={open} setOpen={setOpen} />}
    </div>
  );
}

const MemberForm = ({ id, draft, setDraft, open, setOpen }: { id: string; draft: Draft; setDraft: (d: Draft) => void; open: boolean; setOpen: (o: boolean) => void }) => {
  const { t } = useT('consultant');
  const { error, busy, run } = useCommand([['members', id], ['engagement', id]]);
  const workgroups = t('team.workgroups', { returnObjects: true }) as unknown as string[];
  const text = (key: keyof Draft) => ({
    value: draft[key],
    onInput: (e: Event) => setDraft({ ...draft, [key]: (e.target as HTMLInputElement).value }),
    'aria-invalid': !!fieldError(error, `/${key}`),
  });
  const optional = (value: string) => (value.trim() ? value.trim() : undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    const body = {
      userId: draft.userId.trim(),
      name: draft.name.trim(),
      role: draft.role,
      workgroup: optional(draft.workgroup),
      department: optional(draft.department),
      reason: optional(draft.reason),
    };
    if (await run(`/engagements/${id}/members`, body)) setDraft(EMPTY);
  };
  return (
    <details class="panel" open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>{t('team.add')}</summary>
      <form id="member-form" class="stack" onSubmit={(e) => void submit(e)}>
        <p class="hint">{t('team.addHint')}</p>
        <div class="row">
          <label>
            {t('team.userId')}
            <input required maxLength={200} autoComplete="off" {...text('userId')} />
            <FieldError error={error} path="/userId" />
          </label>
          <label>
            {t('team.name')}
            <input required maxLength={200} {...text('name')} />
            <FieldError error={error} path="/name" />
          </label>
          <label>
            {t('team.role')}
            <select value={draft.role} onChange={(e) => setDraft({ ...draft, role: (e.target as HTMLSelectElement).value as Member['role'] })}>
              {TEAM_ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`common:roles.${r}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div class="row">
          <label>
            {t('team.workgroup')}
            <input list="workgroups" maxLength={200} {...text('workgroup')} />
            <FieldError error={error} path="/workgroup" />
            <datalist id="workgroups">
              {workgroups.map((w) => (
                <option key={w} value={w} />
              ))}
            </datalist>
          </label>
          <label>
            {t('team.department')}
            <input maxLength={200} {...text('department')} />
            <FieldError error={error} path="/department" />
          </label>
          <label>
            {t('team.reason')}
            <input maxLength={2000} {...text('reason')} />
            <FieldError error={error} path="/reason" />
          </label>
        </div>
        <ProblemWithNextStep error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {t('team.save')}
        </button>
      </form>
    </details>
  );
};

const RemoveMember = ({ id, member }: { id: string; member: Member }) => {
  const { t } = useT('consultant');
  const [reason, setReason] = useState('');
  const { error, busy, run } = useCommand([['members', id], ['engagement', id]]);
  const submit = async (e: Event) => {
    e.preventDefault();
    await run(`/engagements/${id}/members/${encodeURIComponent(member.userId)}/remove`, { reason: reason.trim() });
  };
  return (
    <details class="remove">
      <summary>{t('team.remove', { name: member.name })}</summary>
      <form class="stack" onSubmit={(e) => void submit(e)}>
        <label>
          {t('team.removeReason', { name: member.name })}
          <input required maxLength={2000} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
        </label>
        <ProblemWithNextStep error={error} />
        <button type="submit" class="danger" disabled={busy || !reason.trim()}>
          {t('team.removeSubmit')}
        </button>
      </form>
    </details>
  );
};
