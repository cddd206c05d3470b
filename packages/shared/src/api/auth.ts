import { Type, type Static } from '@sinclair/typebox';
import { Id, List, Text } from './wire.js';

/** The signed-in user (`GET /auth/me`, and `user` of `POST /auth/login`). */
export const userViewSchema = Type.Object({
  id: Id(),
  email: Text(200),
  name: Text(200),
  roles: List(Id('A role'), 20),
  tenantId: Id(),
});
export type UserView = Static<typeof userViewSchema>;

/** `POST /auth/login`: a bearer token and who it is for. */
export const loginResponseSchema = Type.Object({ token: Text(8000, 'A bearer token (JWT)'), user: userViewSchema });
export type LoginResponse = Static<typeof loginResponseSchema>;
