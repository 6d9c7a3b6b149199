// Entry point: mounts the app. Nothing here talks to workers or storage; managers do.
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

const target = document.getElementById('app');
if (target === null) throw new Error('index.html lacks the #app element');

export default mount(App, { target });
