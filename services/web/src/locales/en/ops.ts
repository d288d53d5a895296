/** The operations dashboard. */
const ops = {
  title: 'Operations',
  updated: 'Updated {{at}}, every {{seconds}} s',
  status: { ready: 'Ready', 'not-ready': 'Not ready' },
  rates: {
    title: 'Commands and requests (last minute)',
    commands: 'Command rate',
    commandErrors: 'Commands refused or failed',
    requests: 'Request rate',
    serverErrors: 'Server errors (5xx)',
    perSecond: '{{value}} / s',
    totals: 'Since the service started: {{commands}} commands, {{failures}} refused or failed.',
  },
  stores: { title: 'Stores', eventStore: 'Event store', readModelStore: 'Read models' },
  projections: {
    title: 'Read models (projections) and publisher',
    named: 'Projection {{name}}',
    publisher: 'Event publisher (Kafka)',
    noPublisher: 'This process runs no publisher.',
    rebuilding: 'Rebuilding',
    lagEvents_one: 'Lag: {{value}} event',
    lagEvents_other: 'Lag: {{value}} events',
    lagSeconds: '{{value}} s behind',
    trend: 'Lag in events over the last {{points}} samples',
  },
  state: {
    up: 'Up',
    down: 'Down',
    live: 'Live',
    'catching-up': 'Catching up',
    failed: 'Failed',
    stopped: 'Stopped',
    starting: 'Starting',
    retrying: 'Retrying',
    stopping: 'Stopping',
  },
};

export default ops;
