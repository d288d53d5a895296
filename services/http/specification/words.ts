/**
 * The specification document's words in each language, from the glossary's terms (the same words
 * as the web app's locales): the document is read and printed by the client's staff.
 */
import type { FINDING_SECTIONS, Phase, RequirementCategory, SignOffMeaning } from '../../../contracts/index.js';

type FindingSection = (typeof FINDING_SECTIONS)[number];

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

type Words = {
  title: string;
  baseline: string;
  hash: string;
  status: Record<'awaiting-signatures' | 'signed' | 'rejected', string>;
  createdBy: string;
  requirements: string;
  rank: string;
  score: string;
  tier: Record<'vital-few' | 'trivial-many', string>;
  unranked: string;
  priorityInputs: string;
  inputs: { frequency: string; lossIfMismanaged: string; urgency: string; fundSafety: string; stakeholderConcern: string };
  yes: string;
  no: string;
  version: string;
  category: string;
  categories: Record<RequirementCategory, string>;
  departments: string;
  targetPhase: string;
  phases: Record<Phase, string>;
  goalsServed: string;
  none: string;
  sources: string;
  finding: string;
  sections: Record<FindingSection, string>;
  interview: string;
  interviewee: string;
  notConducted: string;
  confirmation: string;
  confirmedBy: (name: string, version: number, at: string) => string;
  notConfirmed: string;
  findingNotInSummary: string;
  findingMissing: string;
  signOffs: string;
  signatory: string;
  meaning: Record<SignOffMeaning, string>;
  signedAt: string;
  signedInAt: string;
  notSignedYet: string;
  rejectedBy: (name: string, at: string) => string;
  suspect: string;
  suspectBecause: (changeRequestId: string, requirementId: string, at: string) => string;
  supersededBy: (baselineId: string) => string;
  principle: string;
};

const en: Words = {
  title: 'Requirement specification',
  baseline: 'Baseline',
  hash: 'SHA-256 of the frozen content',
  status: { 'awaiting-signatures': 'awaiting signatures', signed: 'signed', rejected: 'rejected' },
  createdBy: 'Frozen by',
  requirements: 'Requirements',
  rank: 'Rank',
  score: 'Score',
  tier: { 'vital-few': 'vital few', 'trivial-many': 'trivial many' },
  unranked: 'not prioritized',
  priorityInputs: 'Priority inputs',
  inputs: {
    frequency: 'frequency',
    lossIfMismanaged: 'loss if mismanaged',
    urgency: 'urgency',
    fundSafety: 'fund safety',
    stakeholderConcern: 'stakeholder concern',
  },
  yes: 'yes',
  no: 'no',
  version: 'version',
  category: 'Category',
  categories: {
    'customer-data': 'customer data',
    sales: 'sales',
    marketing: 'marketing',
    service: 'service',
    reporting: 'reporting',
    integration: 'integration',
    other: 'other',
  },
  departments: 'Departments',
  targetPhase: 'Target phase',
  phases: {
    'concept-introduction': 'concept introduction',
    'business-survey': 'business survey',
    'process-solidification': 'process solidification',
    'system-deployment': 'system deployment',
    'application-training': 'application training',
    'go-live': 'go-live',
  },
  goalsServed: 'Goals served',
  none: 'none',
  sources: 'Sources',
  finding: 'Finding',
  sections: {
    'current-structure': 'current structure',
    'future-structure': 'future structure',
    workflow: 'work flow',
    customer: 'customer',
    'data-report': 'data / report',
    'other-requirement': 'other requirements',
  },
  interview: 'Interview',
  interviewee: 'Interviewee',
  notConducted: 'not conducted',
  confirmation: 'Confirmation',
  confirmedBy: (name, version, at) => `confirmed by ${name}: summary version ${version}, ${at}`,
  notConfirmed: 'summary not confirmed',
  findingNotInSummary: 'the confirmed summary does not cite this finding',
  findingMissing: 'finding not found',
  signOffs: 'Sign-offs',
  signatory: 'Signatory',
  meaning: { approved: 'approved', reviewed: 'reviewed' },
  signedAt: 'signed at',
  signedInAt: 'signed in at',
  notSignedYet: 'not signed yet',
  rejectedBy: (name, at) => `Rejected by ${name}, ${at}`,
  suspect: 'Suspect',
  suspectBecause: (cr, req, at) => `change request ${cr} changed requirement ${req} after sign-off (${at})`,
  supersededBy: (id) => `Superseded by baseline ${id}`,
  principle: 'Ranked by the 20/80 principle',
};

const zhCN: Words = {
  title: '需求说明书',
  baseline: '需求基线',
  hash: '冻结内容的 SHA-256 校验值',
  status: { 'awaiting-signatures': '待签核', signed: '已签核', rejected: '驳回' },
  createdBy: '冻结人',
  requirements: '需求',
  rank: '排名',
  score: '得分',
  tier: { 'vital-few': '关键少数', 'trivial-many': '次要多数' },
  unranked: '未排定优先级',
  priorityInputs: '优先级依据',
  inputs: {
    frequency: '经常发生的作业',
    lossIfMismanaged: '管理不好会带来较大损失',
    urgency: '急需解决的难题',
    fundSafety: '关系到资金安全',
    stakeholderConcern: '企业关心的问题（重中之重）',
  },
  yes: '是',
  no: '否',
  version: '版本',
  category: '类别',
  categories: {
    'customer-data': '客户数据',
    sales: '销售',
    marketing: '市场营销',
    service: '客户服务',
    reporting: '报表',
    integration: '系统集成',
    other: '其他',
  },
  departments: '部门',
  targetPhase: '目标实施阶段',
  phases: {
    'concept-introduction': 'CRM管理理念导入',
    'business-survey': '业务调研',
    'process-solidification': '流程固化',
    'system-deployment': '系统部署',
    'application-training': '应用培训',
    'go-live': '业务上线',
  },
  goalsServed: '服务的目标',
  none: '无',
  sources: '来源',
  finding: '访谈记录要点',
  sections: {
    'current-structure': '现状结构',
    'future-structure': '未来结构',
    workflow: '工作流程(WF)',
    customer: '客户',
    'data-report': '数据/报表',
    'other-requirement': '其他需求',
  },
  interview: '访谈',
  interviewee: '受访人',
  notConducted: '尚未访谈',
  confirmation: '确认',
  confirmedBy: (name, version, at) => `${name} 已确认访谈纪要第 ${version} 版，${at}`,
  notConfirmed: '访谈纪要尚未确认',
  findingNotInSummary: '已确认的访谈纪要未引用此要点',
  findingMissing: '未找到该访谈记录要点',
  signOffs: '签核',
  signatory: '签核人',
  meaning: { approved: '批准', reviewed: '已审阅' },
  signedAt: '签核时间',
  signedInAt: '登录时间',
  notSignedYet: '尚未签核',
  rejectedBy: (name, at) => `${name} 于 ${at} 驳回`,
  suspect: '待复核（可疑）',
  suspectBecause: (cr, req, at) => `签核后，变更申请 ${cr} 修订了需求 ${req}（${at}）`,
  supersededBy: (id) => `已被需求基线 ${id} 取代`,
  principle: '按二八原则（20/80原则）排序',
};

export const WORDS: Record<Language, Words> = { en, 'zh-CN': zhCN };
