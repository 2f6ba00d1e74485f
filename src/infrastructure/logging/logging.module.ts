import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { AppConfig } from '../config/app-config';
import { requestLogProps, requestLogSerializers } from './request-log';

/**
 * pino logs, to stdout or LOG_FILE. Each HTTP request gives one line with the request id the API
 * also returns as x-request-id, the user (once authenticated) and the status; see request-log.ts
 * for what is left out.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // nestjs-pino's default route pattern ({/*splat}) matches nothing under Nest 12's Fastify
        // adapter, which left the API with no request lines at all: match every path explicitly.
        forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
        pinoHttp: [
          {
            level: config.LOG_LEVEL,
            genReqId: (req) => String(req.headers['x-request-id']),
            serializers: requestLogSerializers,
            customProps: requestLogProps,
            // Belt and braces: no token, cookie or password however a line is built.
            redact: {
              paths: [
                'req.headers.authorization',
                'req.headers.cookie',
                'res.headers["set-cookie"]',
                '*.password',
                '*.newPassword',
                '*.currentPassword',
                '*.accessToken',
              ],
              censor: '[redacted]',
            },
            customLogLevel: (_req, res, err) =>
              err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
            autoLogging: { ignore: (req) => req.url?.startsWith('/health') ?? false },
          },
          config.LOG_FILE
            ? pino.destination({ dest: config.LOG_FILE, mkdir: true, sync: true })
            : pino.destination(1),
        ],
      }),
    }),
  ],
})
export class LoggingModule {}
