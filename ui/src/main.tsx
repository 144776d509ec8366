import { render } from 'preact';
import { App } from './app';
import './styles/tokens.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/steps.css';
import './styles/fields.css';
import './styles/findings.css';

const root = document.getElementById('app');
if (root !== null) render(<App />, root);
