// The `policy` kind: a rule that always fails or holds while its rulebook is in force (e.g. the
// presumption of denial).
import { type Kind, templateVars } from "./kind.ts";

const policyRemedy = "none while this policy is in force";

export const policy: Kind<"policy"> = ({ outcome, message }) => {
  // Empty values: the policy's remedy template applies as written.
  const vars = templateVars({});
  return outcome === "fail"
    ? (_subject, v) => v.fail(message, policyRemedy, vars)
    : (_subject, v) => v.pending(message, policyRemedy, vars);
};
