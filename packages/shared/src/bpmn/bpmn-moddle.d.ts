// bpmn-moddle ships its element types under `bpmn-moddle/types` but none for its entry point; this is the part used here.
declare module 'bpmn-moddle' {
  export class BpmnModdle {
    fromXML(xml: string): Promise<{ rootElement: unknown; warnings: { message: string; element?: unknown }[] }>;
    create(type: string, properties?: Record<string, unknown>): unknown;
    toXML(element: unknown, options?: { format?: boolean }): Promise<{ xml: string }>;
  }
}
