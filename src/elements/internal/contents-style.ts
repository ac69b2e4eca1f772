import { css } from 'lit';

/**
 * `display: contents` for the elements that only wrap author content (`<mqtt-connection>`,
 * `<mqtt-publish>`): they must not add a box, so a wrapped `<li>` or grid item lays out as if
 * the wrapper were not there.
 */
export const contentsStyle = css`
  :host {
    display: contents;
  }
`;
