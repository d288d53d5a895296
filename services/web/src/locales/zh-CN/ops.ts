import type en from '../en/ops.js';
import type { Messages } from '../messages.js';

const ops: Messages<typeof en> = {
  title: '运行监控',
  updated: '更新于 {{at}}，每 {{seconds}} 秒刷新',
  status: { ready: '就绪', 'not-ready': '未就绪' },
  rates: {
    title: '命令与请求（最近一分钟）',
    commands: '命令速率',
    commandErrors: '被拒绝或失败的命令',
    requests: '请求速率',
    serverErrors: '服务器错误（5xx）',
    perSecond: '{{value}} 次/秒',
    totals: '自服务启动以来：命令 {{commands}} 条，其中被拒绝或失败 {{failures}} 条。',
  },
  stores: { title: '存储', eventStore: '事件存储', readModelStore: '读模型' },
  projections: {
    title: '读模型（投影）与发布器',
    named: '投影 {{name}}',
    publisher: '事件发布器（Kafka）',
    noPublisher: '此进程未运行发布器。',
    rebuilding: '重建中',
    lagEvents_one: '延迟：{{value}} 个事件',
    lagEvents_other: '延迟：{{value}} 个事件',
    lagSeconds: '落后 {{value}} 秒',
    trend: '最近 {{points}} 次采样的事件延迟',
  },
  state: {
    up: '正常',
    down: '不可用',
    live: '实时',
    'catching-up': '追赶中',
    failed: '失败',
    stopped: '已停止',
    starting: '启动中',
    retrying: '重试中',
    stopping: '停止中',
  },
};

export default ops;
