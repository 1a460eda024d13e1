export { createAnalyticsModule } from './analytics.routes.js';
