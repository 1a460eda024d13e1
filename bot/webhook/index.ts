export { createWebhookModule } from './webhook.routes.js';
