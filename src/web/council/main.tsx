// Entry point of the council page: renders the dashboard into #app.
import { render } from 'preact';
import '../shared/styles.css';
import { CouncilApp } from './council-app.tsx';

render(<CouncilApp />, document.getElementById('app')!);
