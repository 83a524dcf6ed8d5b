export { prometheusMetrics } from './prometheus.js';
export type { PrometheusMetricsOptions } from './prometheus.js';
export { PROMETHEUS_CONTENT_TYPE } from './exposition.js';
