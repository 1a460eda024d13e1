export { createWebhookModule } from './webhook.routes.js';
export { renderAnswer } from './answers.render.js';
