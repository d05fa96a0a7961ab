// What a route module is: a function that registers its routes on the app with the services.
// Add a module by writing src/adapters/http/routes/<area>.ts and one entry in routes/index.ts.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv, AppServices } from "../context.ts";

export type Api = OpenAPIHono<AppEnv>;
export type RouteModule = (app: Api, services: AppServices) => void;
