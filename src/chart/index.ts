/**
 * mqtt-elements/chart: importing this registers `<mqtt-chart>` (and the main entry's elements,
 * which it needs: an `<mqtt-connection>` to draw from). The only module that imports uPlot, so
 * that pages which do not chart pay nothing for it. Idempotent, and a no-op without a DOM (SSR).
 */
import '../define.js';
import { MqttChartElement } from './mqtt-chart.js';

if (typeof customElements !== 'undefined' && typeof document !== 'undefined') MqttChartElement.define();

export { MqttChartElement, type ChartSeries } from './mqtt-chart.js';
