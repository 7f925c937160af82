// A manifest that Kubernetes would refuse: kustomize could not render it, or an object does not
// match the API's schema. It is the input that is wrong, not the platform, so the CLI reports it
// as bad input; it stays a PlatformError so any caller that only knows platform failures still
// turns it into one line.
import { PlatformError } from './platform.js';

export class ManifestError extends PlatformError {
  override readonly name = 'ManifestError';
}
