import { render } from 'preact';
import { locale } from './i18n';
import { App } from './shell/app';
import './styles.css';

document.documentElement.lang = locale.value;
render(<App />, document.getElementById('app')!);
