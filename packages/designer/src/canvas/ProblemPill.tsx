import { useTranslation } from 'react-i18next';
import { selectProblemCount } from '../store/flowSlice.js';
import { useDesigner } from '../store/DesignerStoreProvider.js';

/** "2 problems" / "No problems": always on the canvas; opens the problem list. */
export function ProblemPill({ onOpen }: { onOpen(): void }) {
  const count = useDesigner(selectProblemCount);
  const { t } = useTranslation();
  return (
    <button type="button" className={`problem-pill ${count ? 'is-bad' : 'is-good'}`} onClick={onOpen} data-testid="problem-pill">
      <span className="problem-pill__dot" aria-hidden />
      {t('problems.pill', { count })}
    </button>
  );
}
