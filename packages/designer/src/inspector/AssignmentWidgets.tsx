import type { FieldProps, WidgetProps } from '@rjsf/utils';
import { useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useAssignmentOptions } from './useAssignmentOptions.js';

const NEW = '\u0000new';

/** A task's queue chosen from the tenant's known queues (open tasks beside each), or a new one typed once. */
export function QueueWidget(props: WidgetProps) {
  const { id, value, disabled, readonly, onChange } = props;
  const { t } = useTranslation();
  const options = useAssignmentOptions();
  const current = typeof value === 'string' ? value : '';
  const known = options?.queues ?? [];
  const listed = known.some((q) => q.name === current);
  const [typing, setTyping] = useState(false);
  const off = disabled || readonly;
  if (typing) {
    return (
      <span className="queue-picker">
        <input id={id} type="text" value={current} disabled={off} placeholder={t('inspector.newQueuePlaceholder')} onChange={(e) => onChange(e.target.value)} />
        {known.length > 0 && (
          <button type="button" className="form-btn" disabled={off} onClick={() => setTyping(false)}>
            {t('inspector.chooseQueue')}
          </button>
        )}
      </span>
    );
  }
  return (
    <select
      id={id}
      className="queue-picker"
      data-testid="queue-picker"
      value={current}
      disabled={off}
      onChange={(e) => {
        if (e.target.value === NEW) setTyping(true);
        else onChange(e.target.value);
      }}
    >
      {!current && <option value="">{t('inspector.chooseQueuePlaceholder')}</option>}
      {current && !listed && <option value={current}>{current}</option>}
      {known.map((q) => (
        <option key={q.name} value={q.name}>
          {t('inspector.queueOption', { name: q.name, count: q.openTasks })}
        </option>
      ))}
      <option value={NEW}>{t('inspector.newQueue')}</option>
    </select>
  );
}

/** A task's candidate roles ticked from the roles that work tasks, with how many people have each. */
export function RolesField(props: FieldProps) {
  const { formData, onChange, fieldPathId, schema, disabled, readonly } = props;
  const { t } = useTranslation();
  const options = useAssignmentOptions();
  const chosen = Array.isArray(formData) ? (formData as string[]) : [];
  const roles = options?.roles.map((r) => r.role) ?? [];
  // a role the flow names that the list does not know stays, so nothing is lost silently
  const shown = [...roles, ...chosen.filter((r) => !roles.includes(r))];
  const set = (role: string, on: boolean) => {
    const next = on ? [...chosen, role] : chosen.filter((r) => r !== role);
    onChange(next.length ? next : undefined, fieldPathId.path);
  };
  return (
    <fieldset className="roles-picker" id={fieldPathId.$id} data-testid="roles-picker">
      <legend>{schema.title ?? t('inspector.candidateRoles')}</legend>
      {!options && <span className="inspector__note">{t('common.loading')}</span>}
      {shown.map((role) => {
        const people = options?.roles.find((r) => r.role === role)?.people;
        return (
          <label key={role} className="roles-picker__role">
            <input type="checkbox" name={role} checked={chosen.includes(role)} disabled={disabled || readonly} onChange={(e) => set(role, e.target.checked)} />{' '}
            {roleName(role, t)}
            {people !== undefined && <span className="roles-picker__people"> · {t('inspector.people', { count: people })}</span>}
          </label>
        );
      })}
      <span className="inspector__note">{t('inspector.rolesHint')}</span>
    </fieldset>
  );
}

const KNOWN_ROLES = ['platform_admin', 'tenant_admin', 'process_owner', 'analyst', 'approver'] as const;

function roleName(role: string, t: TFunction): string {
  const known = (KNOWN_ROLES as readonly string[]).includes(role);
  return known ? t(`role.${role}` as 'role.analyst') : role;
}
