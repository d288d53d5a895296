import type en from '../en/home.js';
import type { Messages } from '../messages.js';

const home: Messages<typeof en> = {
  signIn: {
    lead: '为您的CRM实施管理访谈、经确认的访谈纪要和按二八原则排序的需求清单。',
    continue: '继续',
    withProvider: '使用组织账号登录',
    developmentTitle: '以演示人员身份登录',
    developmentHint: '开发环境登录：本服务未配置身份提供方。切勿用于生产环境。',
    someoneElse: '其他人员…',
    userId: '用户ID',
    name: '姓名',
    roles: '角色',
    none: '本服务未提供浏览器登录方式，请联系管理员。',
  },
  tabs: { label: '项目页面', overview: '概览', goals: '目标', team: '项目团队', interviews: '访谈', backlog: '需求清单', audit: '审计轨迹', baselines: '需求说明书' },
  engagements: {
    title: '项目',
    empty: '暂无项目。',
    emptyCanStart: '新建一个项目，或创建演示项目以查看各页面的完整内容。',
    emptyMember: '您尚未加入任何项目团队，请联系项目经理将您加入。',
    phase: '阶段',
    started: '开始时间',
    start: '新建项目',
    name: '名称',
    client: '客户方',
    sponsorName: '项目发起人（高层）',
    sponsorTitle: '发起人职务',
    goals: '目标（每行一项）',
    successCriteria: '成功标准（每行一项）',
    more: '更多',
  },
};
export default home;
