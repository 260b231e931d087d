// Bottleneck's light build (no Redis clustering), the one octokit's plugins load: typed as the full package.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
