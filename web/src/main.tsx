// Entry point: the bundled fonts (Noto Sans SC, split by Unicode range, so a page downloads only
// the ranges it shows; Chinese names render without a system CJK font), the styles, the app.
import "@fontsource/noto-sans-sc/400.css";
import "@fontsource/noto-sans-sc/700.css";
import "./styles.css";
import { render } from "preact";
import { App } from "./app.tsx";

const root = document.getElementById("app");
if (root) render(<App />, root);
