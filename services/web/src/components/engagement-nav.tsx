/** The tabs of one engagement's pages, with its name; every engagement page starts with it. */
import { useQuery } from '@tanstack/preact-query';
import { useLocation } from 'preact-iso';
import { get } from '../api.js';
import { useT } from '../i18n.js';

export type EngagementDocument = {
  id: string;
  name: string;
  client: string;
  sponsor: { name: string; title: string };
  goals: string[];
  successCriteria: string[];
  currentPhase: string;
  readiness: Array<{ item: string; status: string; evidence: string | null; recordedAt: string | null }>;
  team: Array<{ userId: string; name: string; role: string; workgroup?: string; department?: string; since: string }>;
  version: number;
};

export const useEngagement = (id: string) => useQuery({ queryKey: ['engagement', id], queryFn: () => get<EngagementDocument>(`/engagements/${id}`) });

const TABS = [
  { path: '', key: 'overview' },
  { path: '/goals', key: 'goals' },
  { path: '/team', key: 'team' },
  { path: '/interviews', key: 'interviews' },
  { path: '/backlog', key: 'backlog' },
  { path: '/audit', key: 'audit' },
  { path: '/baselines', key: 'baselines' },
] as const;

export const EngagementNav = ({ id }: { id: string }) => {
  const { t } = useT('home');
  const { path } = useLocation();
  const engagement = useEngagement(id);
  return (
    <div class="engagement-head">
      <p class="crumbs">
        <a href="/">{t('engagements.title')}</a> ›
      </p>
      <h1>{engagement.data ? `${engagement.data.name} · ${engagement.data.client}` : ' '}</h1>
      <nav class="tabs" aria-label={t('tabs.label')}>
        {TABS.map((tab) => {
          const href = `/e/${id}${tab.path}`;
          return (
            <a key={tab.key} href={href} aria-current={path === href ? 'page' : undefined}>
              {t(`tabs.${tab.key}`)}
            </a>
          );
        })}
      </nav>
    </div>
  );
};
