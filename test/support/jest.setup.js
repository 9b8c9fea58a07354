require('@tarojs/taro')
