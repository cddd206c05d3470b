import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { CaseChangedMessage, LiveMessages } from '@exflow/shared';
import { io, type Socket } from 'socket.io-client';
import { loadActingIn } from '../auth/session.js';

/** `case.changed` as the runtime sends it after every committed transition (declared in shared). */
export type CaseChanged = CaseChangedMessage;

/** `task.changed`: a task opened, or a person claimed, released, completed, reassigned or re-ranked it. */

type LiveEvents = LiveMessages;

export interface Live {
  connected: boolean;
  /** Counts connections: it changes on every reconnect, which is when views catch up. */
  connection: number;
  on<K extends keyof LiveEvents>(event: K, handler: (message: LiveEvents[K]) => void): () => void;
  /** Joins a room (`case:<id>`, `queue:<name>`) until the returned function is called; kept across reconnects. */
  join(room: string): () => void;
}

const LiveContext = createContext<Live | null>(null);

/**
 * One Socket.IO connection for the signed-in session. Rooms are counted per user of the
 * provider and joined again after every reconnect; `connection` tells views to catch up.
 */
export function LiveProvider({ token, children }: { token: string; children: ReactNode }) {
  const [state, setState] = useState({ connected: false, connection: 0 });
  const socketRef = useRef<Socket | null>(null);
  const rooms = useRef(new Map<string, number>());
  const handlers = useRef(new Map<string, Set<(message: unknown) => void>>());

  // a platform admin acting in a client listens to that client's rooms (docs/api.md, Socket.IO)
  const tenant = loadActingIn()?.id;
  useEffect(() => {
    const socket = io({
      path: '/socket.io',
      auth: tenant ? { token, tenant } : { token },
      transports: ['websocket'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
    });
    socketRef.current = socket;
    socket.onAny((event: string, message: unknown) => handlers.current.get(event)?.forEach((h) => h(message)));
    socket.on('connect', () => {
      for (const room of rooms.current.keys()) socket.emit('join', { room });
      setState((s) => ({ connected: true, connection: s.connection + 1 }));
    });
    socket.on('disconnect', () => setState((s) => ({ ...s, connected: false })));
    return () => {
      socket.disconnect();
      socketRef.current = null;
    };
  }, [token, tenant]);

  // stable functions: subscribers and rooms never churn when the connection state changes
  const stable = useMemo(
    () => ({
      on<K extends keyof LiveEvents>(event: K, handler: (message: LiveEvents[K]) => void) {
        const set = handlers.current.get(event) ?? new Set();
        handlers.current.set(event, set);
        const h = handler as (m: unknown) => void;
        set.add(h);
        return () => void set.delete(h);
      },
      join(room: string) {
        const count = rooms.current.get(room) ?? 0;
        rooms.current.set(room, count + 1);
        if (count === 0 && socketRef.current?.connected) socketRef.current.emit('join', { room });
        return () => {
          const left = (rooms.current.get(room) ?? 1) - 1;
          if (left > 0) return void rooms.current.set(room, left);
          rooms.current.delete(room);
          if (socketRef.current?.connected) socketRef.current.emit('leave', { room });
        };
      },
    }),
    [],
  );
  const live = useMemo<Live>(() => ({ ...state, ...stable }), [state, stable]);
  return <LiveContext.Provider value={live}>{children}</LiveContext.Provider>;
}

export function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive() is used outside <LiveProvider>; render workspace pages inside it');
  return live;
}

/** Listens to one kind of message while mounted; the handler may change between renders. */
export function useLiveMessage<K extends keyof LiveEvents>(event: K, handler: (message: LiveEvents[K]) => void): void {
  const live = useLive();
  const latest = useRef(handler);
  latest.current = handler;
  const { on } = live;
  useEffect(() => on(event, (m) => latest.current(m)), [on, event]);
}

/** Stays in the given rooms while mounted. */
export function useRooms(rooms: readonly string[]): void {
  const { join } = useLive();
  const key = [...rooms].sort().join('\n');
  useEffect(() => {
    const leaves = key ? key.split('\n').map((room) => join(room)) : [];
    return () => leaves.forEach((leave) => leave());
  }, [join, key]);
}
