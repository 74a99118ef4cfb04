// Entry point of the resident page: finishes a login coming back from the identity provider, then renders.
import { render } from 'preact';
import { Session } from '@inrupt/solid-client-authn-browser';
import '../shared/styles.css';
import { ResidentPage } from './resident-page.tsx';

render(<ResidentPage session={new Session()} />, document.getElementById('app')!);
