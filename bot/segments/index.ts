export { createSegmentsModule } from './segments.routes.js';
