export { createBroadcastsModule } from './broadcasts.routes.js';
