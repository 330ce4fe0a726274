// The in-force quiz VirtualService of a soak: every call to quiz goes to one version. Written out
// rather than taken from scenarios/, which has no all-v2 route (v2 is only ever a canary there).
import type { QuizVersion } from './injected-failures.ts';

export function quizRouteYaml(version: QuizVersion): string {
  return `# The soak's route: every call to quiz goes to ${version}.
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: quiz
  namespace: quiz
spec:
  hosts:
    - quiz
  http:
    - route:
        - destination:
            host: quiz
            subset: ${version}
          weight: 100
`;
}
