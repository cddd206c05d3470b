// @xyflow's base styles, then ours over them, in that order: loaded with the canvas (designer,
// case map), not with the app shell an analyst's inbox needs
import '@xyflow/react/dist/base.css';
import '../styles/canvas.css';
