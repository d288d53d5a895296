/** A requirement at a glance, beside the backlog: its sources, priority inputs and history. */
import { formatDateTime, formatNumber, useT } from '../i18n.js';
import { ProblemMessage } from '../components/problem.js';
import { shortHash, useInterview, useRequirement, type PriorityInputs, type Source } from './model.js';

/** Each source finding with its interview (interviewee, department) and the summary's confirmation state. */
export const SourceList = ({ sources }: { sources: readonly Source[] }) => {
  const { t } = useT('pm');
  if (sources.length === 0) return <p class="empty">{t('sources.none')}</p>;
  return (
    <ul class="sources">
      {sources.map((source) => (
        <SourceItem key={source.findingId} source={source} />
      ))}
    </ul>
  );
};

const SourceItem = ({ source }: { source: Source }) => {
  const { t } = useT('pm');
  const interview = useInterview(source.interviewId);
  const finding = interview.data?.findings.find((f) => f.findingId === source.findingId);
  const confirmation = interview.data?.confirmation;
  return (
    <li class="source">
      {interview.isError ? (
        <ProblemMessage error={interview.error} />
      ) : (
        <>
          <q>{finding?.text ?? '…'}</q>
          <span>
            <a href={`/i/${source.interviewId}`}>
              {interview.data ? t('sources.interview', { name: interview.data.interviewee.name, department: interview.data.interviewee.department }) : t('sources.openInterview')}
            </a>
            {finding && <> · {t(`common:section.${finding.section}`)}</>}
          </span>
          {interview.data && (
            <span class={`badge ${confirmation ? 'good' : 'warn'}`}>
              {confirmation
                ? t('sources.confirmed', { name: confirmation.confirmedByName, version: confirmation.summaryVersion, hash: shortHash(confirmation.summaryHash), at: formatDateTime(confirmation.confirmedAt) })
                : t(`sources.state.${interview.data.confirmationState}`)}
            </span>
          )}
        </>
      )}
    </li>
  );
};

/** The five inputs as a compact list. */
export const InputList = ({ inputs }: { inputs: PriorityInputs }) => {
  const { t } = useT('pm');
  return (
    <dl class="inputs">
      <dt>{t('inputs.frequency.label')}</dt>
      <dd>{formatNumber(inputs.frequency)}</dd>
      <dt>{t('inputs.lossIfMismanaged.label')}</dt>
      <dd>{formatNumber(inputs.lossIfMismanaged)}</dd>
      <dt>{t('inputs.urgency.label')}</dt>
      <dd>{formatNumber(inputs.urgency)}</dd>
      <dt>{t('inputs.fundSafety.label')}</dt>
      <dd>{inputs.fundSafety ? t('yes') : t('no')}</dd>
      <dt>{t('inputs.stakeholderConcern.label')}</dt>
      <dd>{inputs.stakeholderConcern ? t('yes') : t('no')}</dd>
    </dl>
  );
};

export const RequirementSummary = ({ id, asOf, onClose }: { id: string; asOf?: string | undefined; onClose: () => void }) => {
  const { t } = useT('pm');
  const requirement = useRequirement(id);
  const r = requirement.data;
  return (
    <div class="stack">
      <div class="selected-head">
        <h3>{r?.title ?? t('common:actions.loading')}</h3>
        <button type="button" class="link" onClick={onClose}>
          {t('common:actions.close')}
        </button>
      </div>
      {requirement.isError && <ProblemMessage error={requirement.error} />}
      {r && (
        <>
          {asOf && <p class="hint">{t('selected.current')}</p>}
          <p>
            <span class="badge">{t(`common:requirementStatus.${r.status}`)}</span>{' '}
            {r.priority && t('selected.score', { score: r.priority.score })}
          </p>
          <h4>{t('sources.title')}</h4>
          <SourceList sources={r.sources} />
          <h4>{t('priority.inputs')}</h4>
          {r.priority ? (
            <>
              <InputList inputs={r.priority.inputs} />
              <p class="hint">{r.priority.rationale}</p>
            </>
          ) : (
            <p class="empty">{t('priority.none')}</p>
          )}
          <h4>{t('history.title')}</h4>
          <ol class="history">
            {[
              ...r.priorityHistory.map((p) => ({ at: p.at, text: t('history.prioritized', { score: p.score, name: p.by.name }) })),
              ...r.decisions.map((d) => ({ at: d.at, text: t(`history.${d.status}`, { name: d.by.name, reason: d.reason ?? '' }) })),
              ...r.revisions.map((v) => ({ at: v.at, text: t('history.revised', { name: v.by.name, reason: v.reason }) })),
            ]
              .sort((a, b) => a.at.localeCompare(b.at))
              .map((h, index) => (
                <li key={index}>
                  <time dateTime={h.at}>{formatDateTime(h.at)}</time> {h.text}
                </li>
              ))}
          </ol>
          <a class="button-link" href={`/r/${id}`}>
            {t('selected.open')}
          </a>
        </>
      )}
    </div>
  );
};
