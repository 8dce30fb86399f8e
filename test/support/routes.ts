// Every route the running app serves, with the access rule its handler declares.
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PUBLIC_PATHS } from '../../src/app.factory';
import { ACCESS_RULE, AccessRule, IS_PUBLIC } from '../../src/common/decorators';

export interface RouteInfo {
  method: string;
  path: string;
  isPublic: boolean;
  rule?: AccessRule;
}

export function declaredRoutes(app: NestExpressApplication): RouteInfo[] {
  const scanner = new MetadataScanner();
  const reflector = new Reflector();
  const routes: RouteInfo[] = [];
  const controllers = [...app.get(ModulesContainer).values()].flatMap((module) => [...module.controllers.values()]);
  for (const wrapper of controllers) {
    const instance = wrapper.instance as object | undefined;
    if (!instance) {
      continue;
    }
    const controller = instance.constructor;
    const base = join(reflector.get<string | string[]>(PATH_METADATA, controller));
    for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
      const handler = (instance as Record<string, unknown>)[name] as (...args: unknown[]) => unknown;
      const methodPath = reflector.get<string | string[] | undefined>(PATH_METADATA, handler);
      if (methodPath === undefined) {
        continue;
      }
      const relative = [base, join(methodPath)].filter(Boolean).join('/');
      const isExcluded = PUBLIC_PATHS.includes(relative.split('/')[0]);
      routes.push({
        method: RequestMethod[reflector.get<RequestMethod>(METHOD_METADATA, handler)],
        path: `/${isExcluded ? '' : 'api/'}${relative}`,
        isPublic: reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler, controller]) ?? false,
        rule: reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [handler, controller]),
      });
    }
  }
  return routes;
}

/** What express actually serves, to prove the declared list misses nothing. */
export function servedRoutes(app: NestExpressApplication): string[] {
  type Layer = { route?: { path: string; methods: Record<string, boolean>; stack: { name: string }[] } };
  const router = (app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } }).router;
  // Middleware mounted with forRoutes() shows up as routes too; Nest names endpoint handlers `Controller.method`.
  return router.stack
    .filter((layer) => layer.route?.stack.some((handler) => /^\w+Controller\.\w+$/.test(handler.name)))
    .flatMap((layer) => Object.keys(layer.route!.methods).map((m) => `${m.toUpperCase()} ${layer.route!.path}`))
    .filter((route) => !/\/docs/.test(route));
}

/** The path with each :param replaced by a well-formed id that exists nowhere. */
export function concrete(path: string): string {
  return path.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');
}

function join(path: string | string[] | undefined): string {
  const first = Array.isArray(path) ? path[0] : path;
  return (first ?? '').replace(/^\/+|\/+$/g, '');
}
