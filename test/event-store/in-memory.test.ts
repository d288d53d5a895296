import t from 'tap';
import { InMemoryEventStore } from '../../infra/event-store/index.js';
import { eventStoreContract } from './contract.js';

eventStoreContract(
  t,
  'InMemoryEventStore',
  async (options) => {
    const store = new InMemoryEventStore(options);
    return { store, close: () => store.close() };
  },
  { exclusiveLog: true, uniqueEventIds: true },
);
