/**
 * Process-wide tracing setup. With an OTLP endpoint (option or `OTEL_EXPORTER_OTLP_ENDPOINT`) a
 * tracer provider exporting over OTLP/HTTP (JSON) is installed globally; without one nothing is
 * installed and the API's no-op tracer stays in place, so tracing costs nothing when unused.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/** Options for {@link startTracing}. */
export interface TracingOptions {
  /** The `service.name` resource attribute. */
  readonly serviceName: string;
  /**
   * The OTLP base endpoint (e.g. `http://collector:4318`); spans go to `<endpoint>/v1/traces`.
   * Defaults to `OTEL_EXPORTER_OTLP_ENDPOINT`; passing it keeps tests off `process.env`.
   */
  readonly endpoint?: string;
}

/** A started tracing setup. */
export interface Tracing {
  /** Whether an exporting provider was installed (false: no-op). */
  readonly enabled: boolean;
  /** Flushes pending spans, shuts the exporter down and uninstalls the global provider. */
  shutdown(): Promise<void>;
}

/** Installs the global tracer provider; see the module comment for when it is a no-op. */
export function startTracing(options: TracingOptions): Tracing {
  const endpoint = options.endpoint ?? process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  if (endpoint === undefined || endpoint === '') return { enabled: false, shutdown: () => Promise.resolve() };

  // As the OTLP spec says for the generic endpoint variable: append the signal path.
  const url = `${endpoint.replace(/\/+$/, '')}/v1/traces`;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  trace.setGlobalTracerProvider(provider);
  // Context follows async work (so a span started around a bus request is the active one where the
  // request is published), and crosses processes as W3C trace context in NATS headers.
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return {
    enabled: true,
    async shutdown() {
      // Provider shutdown flushes the batch processor before closing the exporter.
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
