import { Injectable } from '@nestjs/common';
import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** The gateway's Prometheus registry, with HTTP counters fed by a Fastify `onResponse` hook. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Label-bound series per method, status and route: looked up once instead of hashing labels per hit. */
  private readonly series = new Map<string, (seconds: number) => void>();

  /** Records every answered request; unmatched paths share one label so scanners cannot explode cardinality. */
  install(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      this.recorder(
        request.method,
        request.routeOptions.url ?? 'unmatched',
        reply.statusCode,
      )(reply.elapsedTime / 1000);
      done();
    });
  }

  private recorder(method: string, route: string, status: number): (seconds: number) => void {
    const key = `${method} ${status} ${route}`;
    let record = this.series.get(key);
    if (!record) {
      const labels = { method, route, status_code: String(status) };
      const counter = this.requests.labels(labels);
      const histogram = this.duration.labels(labels);
      record = (seconds) => {
        counter.inc();
        histogram.observe(seconds);
      };
      this.series.set(key, record);
    }
    return record;
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
